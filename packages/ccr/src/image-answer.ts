/**
 * Stored images (the data URLs @headroom/image keeps as originals): retrieval answers them with an image
 * block where the dialect allows images in tool results (Anthropic), else with one sentence giving the
 * type and size — never a base64 dump into a text field.
 */

/** The media type and base64 bytes of a stored image, or undefined when `content` is not one. */
export function storedImage(content: string): { mediaType: string; data: string } | undefined {
  const m = /^data:(image\/[a-z0-9.+-]+);base64,/i.exec(content.slice(0, 100));
  return m ? { mediaType: m[1]!.toLowerCase(), data: content.slice(m[0].length) } : undefined;
}

function size(b64: string): string {
  const n = Math.floor((b64.length * 3) / 4) - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`;
}

/** The text answer for a stored image (every dialect; Anthropic also gets the image block). */
export function imageAnswerText(hash: string, img: { mediaType: string; data: string }, withBlock: boolean): string {
  const what = `Original image ${hash}: ${img.mediaType}, ${size(img.data)}.`;
  return withBlock
    ? `${what} It follows as an image.`
    : `${what} This API cannot carry an image inside a tool result, so it is not shown here; the copy in the conversation is its compressed version.`;
}
