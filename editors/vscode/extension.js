// The mynaflow extension: starts `mynaflow lsp` for .myna files. Findings,
// hover, completion, go to definition, rename, code actions and formatting
// all come from the server.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("mynaflow");
  const command = config.get("path") || "mynaflow";
  const lang = config.get("lang");
  const args = ["lsp"].concat(lang ? ["--lang", lang] : []);
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    "mynaflow",
    "mynaflow",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "myna" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
