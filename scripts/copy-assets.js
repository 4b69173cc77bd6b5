// Copies the non-TypeScript files that the compiled package loads at run time into dist/.
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..");
for (const [from, to] of [["schema/intune-email.beta.json", "dist/schema/intune-email.beta.json"],
  ["schema/PROVENANCE.md", "dist/schema/PROVENANCE.md"]]) {
  fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
  fs.copyFileSync(path.join(root, from), path.join(root, to));
}
