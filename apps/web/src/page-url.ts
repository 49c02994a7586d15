/** An absolute URL for a path relative to the page (the build uses relative URLs, so it works in any folder). */
export function pageUrl(relative: string): string {
  return new URL(relative, document.baseURI).href;
}
