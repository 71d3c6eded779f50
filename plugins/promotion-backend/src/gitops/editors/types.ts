/** The values a manifest pins for one image. */
export interface PinnedValues {
  tag?: string;
  digest?: string;
}

/** Reads and rewrites the pin of one image in one manifest's text. */
export interface ManifestEditor {
  /** The pinned values, or undefined when the manifest does not pin the image. */
  readPin(text: string, file: string): PinnedValues | undefined;
  /**
   * Returns the text with the given values set; every other byte is kept.
   * Each given value must already have a place in the file.
   */
  writePin(text: string, file: string, pin: PinnedValues): string;
}
