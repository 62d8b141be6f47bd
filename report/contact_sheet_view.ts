/**
 * The contact sheet's section of the HTML report (report/contact_sheet.ts): the thumbnails as
 * embedded JPEG data URIs in a wrapping grid, each captioned with its operation and the copy's
 * quality; a cell without an image says why. Styles are inline so the section needs nothing
 * from the report's stylesheet.
 * @module
 */
import { type Html, safeHtml } from "../util/html.ts";
import type { ReportData } from "./report_data.ts";

/** The `<section id="contact-sheet">` of the report; a short note when there is no sheet. */
export function contactSheetHtml(
  data: Pick<ReportData, "contactSheet" | "contactSheetNote">,
): Html {
  const sheet = data.contactSheet;
  if (!sheet) {
    return safeHtml`<section id="contact-sheet"><h2>Contact sheet</h2><p class="caption">${
      data.contactSheetNote ?? "No contact sheet."
    }</p></section>`;
  }
  const cells = sheet.frames.map((f) =>
    safeHtml`<figure style="margin:0;width:192px;font-size:12px">${
      f.image
        ? safeHtml`<img src="${f.image}" alt="${f.label}" width="192" style="display:block">`
        : safeHtml`<div style="width:192px;height:108px;background:#eee;display:flex;align-items:center;justify-content:center;text-align:center;color:#666">${
          f.reason ?? "no image"
        }</div>`
    }<figcaption><b>${f.label}</b>${
      f.quality ? safeHtml`<br>${f.quality}` : ""
    }</figcaption></figure>`
  );
  return safeHtml`<section id="contact-sheet"><h2>Contact sheet</h2>
<div style="display:flex;flex-wrap:wrap;gap:8px">${cells}</div>
<p class="caption">Video <code>${sheet.videoId}</code> (chosen by ${sheet.chosenBy}), frame ${
    sheet.frame ?? "–"
  } (the middle one) of every copy, scaled to 192 pixels wide, made from the copies' files when
the report was drawn. Under each: this video's PSNR of luma against the operation's reference
and its bitrate in that copy.</p></section>`;
}
