// A response object documents the named header (header names are case-insensitive).
export default (response, options) => {
  const wanted = String(options.name).toLowerCase();
  const headers = Object.keys((response && response.headers) || {}).map((name) => name.toLowerCase());
  if (!headers.includes(wanted)) {
    return [{ message: `The response does not document the ${options.name} header.` }];
  }
  return [];
};
