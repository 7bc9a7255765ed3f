// Builds the demo page into the hub's static files: src/Hub/wwwroot/{index.html,style.css,app.js}.
// The output is committed, so `dotnet run --project src/Hub` serves the page without Node.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
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
for (const file of ["index.html", "style.css"]) copyFileSync(join(root, "demo", file), join(out, file));
console.log(`demo built into ${out}`);
