import { FlagBridgeError, type FlagProvider } from '@flagbridge/core/engine'
import { Component, type ReactNode } from 'react'
import { UnavailableVendorBinding } from './UnavailableVendorBinding'

const NAMES: Record<FlagProvider, string> = { configcat: 'ConfigCat', launchdarkly: 'LaunchDarkly' }

/** An error from the app's own components, marked on its way up so the vendor's boundary passes it on. */
interface AppError {
  thrown?: { error: unknown }
}

/**
 * Sits between the vendor's provider and the app's components: an error from the app is marked
 * as the app's and thrown on, unchanged, to the app's own error boundaries.
 */
class AppErrorPassThrough extends Component<
  { appError: AppError; children?: ReactNode },
  { thrown?: { error: unknown } }
> {
  override state: { thrown?: { error: unknown } } = {}

  static getDerivedStateFromError(error: unknown) {
    return { thrown: { error } }
  }

  override render() {
    const { thrown } = this.state
    if (!thrown) return this.props.children
    this.props.appError.thrown = thrown
    throw thrown.error
  }
}

/** The SDKs refuse options with a RangeError (out of range) or an "Invalid …" error (wrong type). */
function vendorError(provider: FlagProvider, cause: unknown): FlagBridgeError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  const refused = cause instanceof RangeError || /^Invalid /.test(reason)
  return refused
    ? new FlagBridgeError(
        'INVALID_OPTIONS',
        process.env.NODE_ENV !== 'production'
          ? `${NAMES[provider]} refused its options: ${reason} Fix the ${provider} prop; meanwhile its flags serve their defaults.`
          : `${provider} options: ${reason}`,
        { cause },
      )
    : new FlagBridgeError(
        'VENDOR_ERROR',
        process.env.NODE_ENV !== 'production'
          ? `${NAMES[provider]} failed while rendering its provider: ${reason} Its flags serve their defaults until <FlagBridgeProvider> remounts.`
          : `${provider} render: ${reason}`,
        { cause },
      )
}

interface VendorBoundaryProps {
  provider: FlagProvider
  /** Renders the vendor's own provider (the binding) around `children`. */
  binding: (children: ReactNode) => ReactNode
  children?: ReactNode
}

/**
 * Catches what a vendor's binding throws (an option its SDK refuses, its provider failing to
 * render) and serves that vendor's flags as defaults with one `onError`, the app's tree rendered
 * without the vendor's provider. Errors thrown by the app's components below are not the
 * vendor's: they go on to the app's own error boundaries, untouched.
 */
export class VendorBoundary extends Component<VendorBoundaryProps, { failed?: { error: unknown } }> {
  override state: { failed?: { error: unknown } } = {}
  private readonly appError: AppError = {}

  static getDerivedStateFromError(error: unknown) {
    return { failed: { error } }
  }

  override render() {
    const { provider, binding, children } = this.props
    const { failed } = this.state
    const app = <AppErrorPassThrough appError={this.appError}>{children}</AppErrorPassThrough>
    if (!failed) return binding(app)
    const { thrown } = this.appError
    if (thrown && thrown.error === failed.error) throw failed.error
    return (
      <UnavailableVendorBinding provider={provider} error={vendorError(provider, failed.error)}>
        {app}
      </UnavailableVendorBinding>
    )
  }
}
