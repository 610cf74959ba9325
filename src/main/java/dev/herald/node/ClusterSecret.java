package dev.herald.node;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The cluster name's suffix derived from {@code cluster.secret}: Hazelcast refuses a member whose
 * cluster name differs, so a process that does not know the secret cannot join. The name is an
 * HMAC of the secret, so logs and Hazelcast's own messages never show the secret itself.
 */
final class ClusterSecret {

  private ClusterSecret() {
  }

  static String tag(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] h = mac.doFinal("herald-cluster-name".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
