// `url` for the browser bundle: @vscode/debugadapter only uses URL, which browsers have.
export const URL = globalThis.URL;
export default { URL };
