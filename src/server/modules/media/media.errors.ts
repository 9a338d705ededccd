// Failures of volunteer media (uploads over tus, moderation, upload links), with their HTTP status.
export const mediaErrors = {
  /** The file's bytes are not a photo (JPEG, PNG, WebP, HEIC/HEIF) or a video (MP4, QuickTime, WebM), whatever its name says. */
  MEDIA_TYPE_REFUSED: 415,
  /** Past the caps: photos 25 MB, videos 200 MB (refused at creation from Upload-Length, or once the type is known). */
  MEDIA_TOO_LARGE: 413,
  /** A tus request without `Tus-Resumable: 1.0.0` (the only version served). */
  MEDIA_TUS_VERSION: 412,
  /** A tus header missing or malformed: Upload-Length, Upload-Offset, Upload-Metadata. */
  MEDIA_UPLOAD_HEADER_INVALID: 400,
  /** A PATCH whose Content-Type is not application/offset+octet-stream. */
  MEDIA_UPLOAD_CONTENT_TYPE: 415,
  /** A PATCH at another offset than the upload's (resume from HEAD's Upload-Offset). */
  MEDIA_UPLOAD_OFFSET_MISMATCH: 409,
  /** A PATCH carrying more bytes than the upload's declared length. */
  MEDIA_UPLOAD_OVERFLOW: 400,
  /** Identifiable people appear, and the uploader did not confirm their image rights. */
  MEDIA_RIGHTS_REQUIRED: 400,
  /** The upload link is unknown, expired or revoked. */
  MEDIA_UPLOAD_LINK_INVALID: 403,
  /** The upload link already sent all the files it allows. */
  MEDIA_UPLOAD_LINK_USED_UP: 403,
  /** The step does not apply in the media's state (moderate one still uploading…). */
  MEDIA_STATE: 409,
  /** Approving needs the published copies, which are not made (yet, or cannot be: see processing_error). */
  MEDIA_NOT_READY: 409,
  /** A poster that is not a JPEG, PNG or WebP image of at most 5 MB. */
  MEDIA_POSTER_INVALID: 415,
} as const;
