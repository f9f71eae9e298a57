// The package's version, which `VERSION` reports. It is also the npm version, in the 1.x line so
// that the lite-chat ranges Tencent's UIKits ask for (`^1.6.15`) accept the package; a test checks
// that it matches package.json.
export const VERSION = "1.7.0";
