// Bundles the modeler (our code plus bpmn-js and its properties panel) and the managers'
// heatmap (a bpmn-js viewer) into the package's static folder. Run by `make assets`;
// the output is not committed.
import { build } from "esbuild";

const out = "src/pathways/web/static/build";

await build({
  entryPoints: {
    modeler: "assets/modeler/main.js",
    "modeler-style": "assets/modeler/style.css",
    heatmap: "assets/heatmap/main.js",
    "heatmap-style": "assets/heatmap/style.css",
  },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: ["es2020"],
  outdir: out,
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file" },
  assetNames: "[name]-[hash]",
  legalComments: "linked",
  logLevel: "warning",
});
console.log(`built the modeler and the heatmap into ${out}`);
