// @configcat/sdk is configcat-react's dependency, not the root's: import it from where pnpm put it.
export * from '../../node_modules/.pnpm/@configcat+sdk@1.1.0/node_modules/@configcat/sdk/lib/esm/node/index.main.js'
