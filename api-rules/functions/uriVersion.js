// /core/uri-version: the major version, prefixed with "v", is part of every URI, and it is the
// major version of info.version. Accepted: a server URL ending in /v<major>, or (when the
// document lists full paths, as drf-spectacular does for /api/v1/...) every path containing the
// segment v<major>. A minor or patch number in the URI (v1.2) is an error.
export default (document) => {
  const results = [];
  const version = String((document.info || {}).version || "");
  const major = (version.match(/^(\d+)\./) || [])[1];
  if (major === undefined) {
    return [{ message: `info.version "${version}" has no major version number.`, path: ["info", "version"] }];
  }
  const segment = `v${major}`;
  const servers = (document.servers || []).map((server) => String(server.url || ""));
  for (const [index, url] of servers.entries()) {
    if (/\/v\d+\.\d+/.test(url)) {
      results.push({ message: `Server URL "${url}" contains more than the major version.`, path: ["servers", index, "url"] });
    }
  }
  if (servers.length && servers.every((url) => url.replace(/\/+$/, "").endsWith(`/${segment}`))) {
    return results;
  }
  for (const path of Object.keys(document.paths || {})) {
    const segments = path.split("/");
    if (!segments.includes(segment)) {
      results.push({
        message: `Path "${path}" does not contain the major version segment "${segment}" (info.version ${version}).`,
        path: ["paths", path],
      });
    }
    if (segments.some((part) => /^v\d+\.\d+/.test(part))) {
      results.push({ message: `Path "${path}" contains more than the major version.`, path: ["paths", path] });
    }
  }
  return results;
};
