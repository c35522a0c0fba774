"""The views of an Advice: the report for elected officials (HTML, PDF, DOCX), its charts, the terminal text."""
