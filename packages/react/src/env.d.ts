// Bundlers replace `process.env.NODE_ENV`; declare just that, not all of Node's types.
declare const process: { env: { NODE_ENV?: string } }
