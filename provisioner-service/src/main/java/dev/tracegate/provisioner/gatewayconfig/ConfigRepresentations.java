package dev.tracegate.provisioner.gatewayconfig;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.tracegate.tenants.TenantsDocument;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The document as JSON or YAML, and its ETag: a SHA-256 of the canonical (compact JSON) form. */
public final class ConfigRepresentations {
    // Own mappers: the document's bytes (and so its ETag) must not change with the application's Jackson settings.
    // Absent fields are left out, as people write the YAML.
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    // Every string value double-quoted (no MINIMIZE_QUOTES): unquoted, tenant id 0x1F reads back as 31, 1e5 as
    // 100000.0, 1_000 as 1000, and .inf not at all; MINIMIZE_QUOTES quotes only what looks like a plain decimal, a
    // boolean or null. Each value on one line (no SPLIT_LINES), so that a secret can be copied from it.
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build()).configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private ConfigRepresentations() {
    }

    public static byte[] json(TenantsDocument document) {
        try {
            return JSON.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the gateway configuration", e);
        }
    }

    public static byte[] yaml(TenantsDocument document) {
        try {
            return YAML.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the gateway configuration", e);
        }
    }

    /** A quoted strong ETag of a document's {@link #json}: the same document gives the same ETag on every replica. */
    public static String etag(byte[] json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

}
