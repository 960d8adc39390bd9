/** `/var/cache/nginx` → `var-cache-nginx`: a valid DNS label for the emptyDir of a mount path. */
export function volumeName(mountPath: string): string {
  const name = mountPath
    .replace(/^\/+/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return (name || "root").slice(0, 63).replace(/-+$/, "");
}
