from entadvisor.cli import main

main()
