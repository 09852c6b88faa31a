// /core/doc-language and /core/interface-language: the OpenAPI document is written in Dutch.
// Reports text that contains common English function words, which do not occur in Dutch
// prose. Quoted code (`...`) and URLs are ignored.
const ENGLISH = [
  "the", "and", "with", "which", "this", "that", "these", "returns?", "should", "must",
  "of the", "for the", "is not", "are", "from the", "list of", "whether", "shared",
  "documentation", "validation", "request body", "only", "when", "used",
];
const pattern = new RegExp(`\\b(${ENGLISH.join("|")})\\b`, "i");

export default (text) => {
  if (typeof text !== "string") return [];
  const prose = text.replace(/`[^`]*`/g, "").replace(/https?:\/\/\S+/g, "");
  const found = prose.match(pattern);
  if (found) {
    return [{ message: `English text ("${found[0]}") in a Dutch API description: "${text.slice(0, 80)}"` }];
  }
  return [];
};
