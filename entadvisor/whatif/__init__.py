"""What would change the advice: the answers that move it and how (the what-if)."""
