// middy publishes only an `import` export condition; let jest resolve it like Node's ESM loader would.
module.exports = (request, options) =>
  options.defaultResolver(
    request,
    /^@middy\//.test(request) ? { ...options, conditions: ['import', 'node', 'default'] } : options,
  );
