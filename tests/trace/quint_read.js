// Reads ITF traces with Quint's own ITF reader (ofItfNormalized, which also
// builds Quint's runtime values) and prints, per file, every state as plain
// JSON: ints as strings, records as objects, variants as {tag, value}, maps,
// tuples, sets and lists as arrays. Used by tests/trace/test_trace_quint.py.
const { ofItfNormalized } = require("@informalsystems/quint/dist/src/itf");
const fs = require("fs");

function plain(ex) {
  if (ex.kind === "int") return String(ex.value);
  if (ex.kind === "str" || ex.kind === "bool") return ex.value;
  if (ex.kind !== "app") throw new Error("unexpected " + ex.kind);
  const args = ex.args.map(plain);
  if (ex.opcode === "Rec") {
    const out = {};
    for (let i = 0; i < args.length; i += 2) out[args[i]] = args[i + 1];
    return out;
  }
  if (ex.opcode === "variant") return { tag: args[0], value: args[1] };
  return args;
}

for (const file of process.argv.slice(2)) {
  const states = ofItfNormalized(JSON.parse(fs.readFileSync(file, "utf8")));
  console.log(JSON.stringify(states.map(plain)));
}
