package dev.tracegate.provisioner.kube;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads and writes a Secret's values as text; the API server keeps them base64-encoded in data. */
public final class SecretData {
    private SecretData() {
    }

    /** The value of a key, from data (base64) or stringData (what a client may have just written). */
    public static Optional<String> get(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            String encoded = secret.getData().get(key);
            return Optional.ofNullable(encoded).map(v -> new String(Base64.getDecoder().decode(v.trim()), StandardCharsets.UTF_8));
        }
        if (secret.getStringData() != null) {
            return Optional.ofNullable(secret.getStringData().get(key));
        }
        return Optional.empty();
    }

    /** The first of the keys that the Secret has, with its value. */
    public static Optional<Map.Entry<String, String>> first(Secret secret, Iterable<String> keys) {
        for (String key : keys) {
            Optional<String> value = get(secret, key);
            if (value.isPresent()) {
                return Optional.of(Map.entry(key, value.get()));
            }
        }
        return Optional.empty();
    }

    /** Plain values to the data map of a Secret, keeping the order given. */
    public static Map<String, String> encode(Map<String, String> plain) {
        Map<String, String> data = new LinkedHashMap<>();
        plain.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return data;
    }

    /** All values of a Secret as text (data decoded, stringData over it). */
    public static Map<String, String> decode(Secret secret) {
        Map<String, String> plain = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> plain.put(k, v == null ? "" : new String(Base64.getDecoder().decode(v.trim()), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            plain.putAll(secret.getStringData());
        }
        return plain;
    }
}
