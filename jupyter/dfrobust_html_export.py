"""nbconvert postprocessor of the `notebooks` task (report/notebook_run.ts): once
`jupyter nbconvert --to notebook --execute` has written the executed notebook, export it to HTML
beside it (same name, `.html`) in the same Python process, with the run's HTMLExporter settings
(offline script URLs, the SVG-keeping filter). The same export as a second
`jupyter nbconvert --to html` of the written file, without a second Python start (about 1.3 s of
CPU with nbconvert's imports).
"""

import os
from copy import deepcopy

from nbconvert.exporters import HTMLExporter
from nbconvert.postprocessors import PostProcessorBase


class HtmlExport(PostProcessorBase):
    """Writes `<notebook>.html` from the executed notebook `<notebook>.ipynb`."""

    def postprocess(self, input):
        # The run's settings, less `--execute`: the notebook is exported as written, not run again.
        config = deepcopy(self.config)
        config.ExecutePreprocessor.enabled = False
        body, _ = HTMLExporter(config=config).from_filename(input)
        html = os.path.splitext(input)[0] + ".html"
        with open(html, "w", encoding="utf-8") as out:
            out.write(body)
