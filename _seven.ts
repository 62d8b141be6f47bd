import { writeFixtureStore } from "./tests/report_fixture.ts";
import { writeReport } from "./report/write_report.ts";
const dir = Deno.args[0];
await Deno.remove(dir, { recursive: true }).catch(() => {});
await writeFixtureStore(`${dir}/store`, {
  detectors: [["mesonet4", "FF++c23"], ["mesoinception4", "FF++c23"], ["xception", "FF++c23"], ["capsule", "FF++c23"], ["efficientnet_b4", "DFDC"], ["sbi", "FF++raw"], ["demo_weak", "demo"]],
  chanceDetector: "demo_weak",
});
await writeReport(`${dir}/store`, `${dir}/report.html`, { bootstrapResamples: 200 });
for (const [f, m] of [["md", "auc"], ["md", "eer"]]) {
  await writeReport(`${dir}/store`, `${dir}/report_${m}.${f}`, { format: f, metric: m, bootstrapResamples: 200 });
}
