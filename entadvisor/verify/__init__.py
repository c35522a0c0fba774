"""The verifier: every knowledge case and a sweep of generated cases checked against the policy."""
