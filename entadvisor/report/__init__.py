"""The views of an Advice: the report for elected officials (HTML, PDF, DOCX), its charts, the terminal text.

- :mod:`.render` writes the report (HTML, PDF through Chromium) from the templates of ``reports/``;
  :mod:`.environment` is the one jinja Environment and its filters; :mod:`.text` the terminal text.
- :mod:`.view` is what the templates read besides the advice (:class:`~.view.Vue`), gathered from
  :mod:`.parties` (the plan: sections, parts, the note's uncertainties), :mod:`.valeurs` (values in
  words), :mod:`.textes` (the cited texts) and :mod:`.figures` (the charts drawn from the advice).
- :mod:`.charts` holds the drawing primitives (palette, patterns, legend) of :mod:`.gantt` and
  :mod:`.seuils`.
- :mod:`.docx` writes the note and the draft act in Word, from the report read as a tree (:mod:`.arbre`).
"""
