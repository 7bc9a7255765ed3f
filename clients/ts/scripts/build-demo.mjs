// Bundles the demo page's script (demo/app.ts + the SDK) into the hub's static files as
// src/Hub/wwwroot/app.js. The page's index.html and style.css live only there, as plain static files.
// The bundle is committed, so `dotnet run --project src/Hub` serves the page without Node.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "..", "..", "src", "Hub", "wwwroot");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "demo", "app.ts")],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  legalComments: "eof",
  logLevel: "warning",
});
console.log(`demo built into ${out}`);
