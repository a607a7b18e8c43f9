/** @type {import('next').NextConfig} */
const nextConfig = {
  // The suite's browser blocks every request that leaves 127.0.0.1; nothing here needs one.
  images: { unoptimized: true },
}

export default nextConfig
