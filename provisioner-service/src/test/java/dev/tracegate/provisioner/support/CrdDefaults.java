package dev.tracegate.provisioner.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tracegate.provisioner.crd.TempoGateway;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The TempoGateway CRD's schema defaults, as the API server applies them to every object it admits or reads: a field
 * absent from an object that is present gets its default; no object is created to hold one. The mock API server
 * applies none, so without this a test would hand the provisioner objects that no cluster stores.
 */
public final class CrdDefaults {
    private static final JsonNode SCHEMA = schema();

    private CrdDefaults() {
    }

    /** The gateway as the API server would store it. */
    public static TempoGateway applied(TempoGateway gateway, KubernetesSerialization serialization) {
        JsonNode tree = serialization.convertValue(gateway, JsonNode.class);
        apply(SCHEMA, tree);
        return serialization.convertValue(tree, TempoGateway.class);
    }

    /** Applies the defaults of {@code schema} (an {@code openAPIV3Schema} or a part of one) to {@code value}, in place. */
    public static void apply(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode object) {
            var properties = schema.path("properties").fields();
            while (properties.hasNext()) {
                var property = properties.next();
                if (!object.has(property.getKey()) && property.getValue().has("default")) {
                    object.set(property.getKey(), property.getValue().get("default").deepCopy());
                }
                if (object.has(property.getKey())) {
                    apply(property.getValue(), object.get(property.getKey()));
                }
            }
        } else if (value instanceof ArrayNode array && schema.has("items")) {
            array.forEach(item -> apply(schema.get("items"), item));
        }
    }

    private static JsonNode schema() {
        try (InputStream in = CrdDefaults.class.getClassLoader().getResourceAsStream(KubernetesMockSetup.CRD)) {
            return new YAMLMapper().readTree(in).at("/spec/versions/0/schema/openAPIV3Schema");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
