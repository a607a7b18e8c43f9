export { createFlagBridge } from './createFlagBridge'
export * from './engine'
export * from './tracking'
