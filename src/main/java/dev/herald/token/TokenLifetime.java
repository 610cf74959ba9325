package dev.herald.token;

/**
 * What a live connection's token calls for at a given moment: nothing, a notice that it
 * expires soon (once), or closing the connection because it has expired.
 */
public final class TokenLifetime {

  public enum Action { NONE, NOTICE, CLOSE }

  private TokenLifetime() {
  }

  /**
   * @param expSeconds    the token's {@code exp}
   * @param nowMillis     the time now
   * @param noticeSeconds how long before {@code exp} to warn
   * @param noticeSent    whether this token's notice went out already
   */
  public static Action due(long expSeconds, long nowMillis, int noticeSeconds, boolean noticeSent) {
    long expMillis = expSeconds * 1000;
    if (nowMillis >= expMillis) {
      return Action.CLOSE;
    }
    if (!noticeSent && nowMillis >= expMillis - noticeSeconds * 1000L) {
      return Action.NOTICE;
    }
    return Action.NONE;
  }
}
