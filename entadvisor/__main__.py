import sys

try:
    from entadvisor.cli import main
except KeyboardInterrupt:  # Ctrl-C while the command loads: exit 130 like every interruption
    print("Interrompu.", file=sys.stderr)
    sys.exit(130)

main()
