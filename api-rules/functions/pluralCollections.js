// /core/naming-collections: a path segment followed by an identifier ({...}) names a
// collection and is a plural noun. Dutch plurals end in -en or -s ('s); anything else is
// reported. A heuristic: Dutch has irregular plurals (kinderen ends in -en, so it passes;
// "gegevens" is plural already), so the rule warns rather than fails.
export default (paths) => {
  const results = [];
  for (const path of Object.keys(paths || {})) {
    const segments = path.split("/").filter(Boolean);
    segments.forEach((segment, index) => {
      const next = segments[index + 1];
      if (!next || !/^\{.+\}$/.test(next) || /^\{.+\}$/.test(segment)) return;
      if (!/(en|s|'s)$/.test(segment)) {
        results.push({
          message: `"${segment}" in "${path}" names a collection (followed by ${next}) but is not a plural noun.`,
          path: ["paths", path],
        });
      }
    });
  }
  return results;
};
