"""The questionnaire: its model and loader, the walk through it (parcours) and the terminal front end."""
