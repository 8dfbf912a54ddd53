package dev.tracegate.provisioner.grafana;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic datasource uids: {@code tg-<12 hex of sha256(owner/tenant)>-<tenant, sanitized>}, at most 40
 * characters of letters, digits, {@code -} and {@code _} as Grafana requires. The hash makes it unique per
 * owner and tenant; the tenant part only helps a person reading Grafana's URLs.
 */
public final class DatasourceUid {

    static final int MAX_LENGTH = 40;
    private static final String PREFIX = "tg-";
    private static final int HASH_CHARS = 12;

    private DatasourceUid() {
    }

    public static String of(String owner, String tenantName) {
        String hash = sha256Hex(owner + "/" + tenantName).substring(0, HASH_CHARS);
        String readable = tenantName.replaceAll("[^A-Za-z0-9_-]", "-");
        String uid = PREFIX + hash + "-" + readable;
        return uid.length() <= MAX_LENGTH ? uid : uid.substring(0, MAX_LENGTH);
    }

    static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present in a JVM", e);
        }
    }
}
