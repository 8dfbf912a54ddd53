package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tracegate.provisioner.support.CrdDefaults;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the API server's admission would say about a TempoGateway, from the generated CRD alone: the schema's
 * defaults applied first, as the API server does, then its OpenAPI schema (types, required, patterns, lengths and
 * sizes) through a JSON-schema validator, the uniqueness of the items of {@code x-kubernetes-list-type} map and set
 * lists (which no JSON-schema validator knows), and each
 * {@code x-kubernetes-validations} CEL rule through cel-java with the strings extension, as Kubernetes has it.
 * Not covered here: Kubernetes' own CEL libraries beyond the strings extension; its cost budget is CelCostEstimate's.
 */
final class CrdAdmission {
    static final String CRD = "META-INF/fabric8/tempogateways.tracegate.dev-v1.yml";

    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addCompilerLibraries(CelExtensions.strings())
            .addRuntimeLibraries(CelExtensions.strings())
            .build();

    /** One refusal: the rule (a CEL rule's text, or "openAPIV3Schema") and what it says. */
    record Refusal(String rule, String message) {
    }

    private final JsonNode schema;
    private final Schema openApi;
    private final Schema statusOpenApi;

    CrdAdmission() throws IOException {
        try (InputStream in = CrdAdmission.class.getClassLoader().getResourceAsStream(CRD)) {
            schema = new YAMLMapper().readTree(in).at("/spec/versions/0/schema/openAPIV3Schema");
        }
        openApi = compile(schema);
        statusOpenApi = compile(statusSchema());
    }

    /** An OpenAPI v3.0 schema object is, for the keywords a structural CRD schema may use, draft 4. */
    private static Schema compile(JsonNode schema) throws IOException {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(JSON.writeValueAsString(schema), InputFormat.JSON);
    }

    private JsonNode statusSchema() {
        return schema.at("/properties/status");
    }

    JsonNode schema() {
        return schema;
    }

    List<Refusal> check(TempoGateway gateway) throws Exception {
        return check(JSON.valueToTree(gateway));
    }

    /** What admission says about a TempoGateway as written (say, a YAML file of kubernetes/examples read as a tree). */
    List<Refusal> check(JsonNode document) throws Exception {
        return check(schema, openApi, document);
    }

    List<Refusal> checkStatus(TempoGatewayStatus status) throws Exception {
        return checkStatus(JSON.valueToTree(status));
    }

    /**
     * What admission says about a status as the provisioner writes it (the body of an update of the status
     * subresource holds the spec too, which this leaves out: tests make specs the CRD would refuse on purpose).
     */
    List<Refusal> checkStatus(JsonNode status) throws Exception {
        return check(statusSchema(), statusOpenApi, status);
    }

    private static List<Refusal> check(JsonNode schema, Schema openApi, JsonNode document) throws Exception {
        JsonNode defaulted = document.deepCopy();
        CrdDefaults.apply(schema, defaulted);
        String json = JSON.writeValueAsString(defaulted);
        List<Refusal> refusals = new ArrayList<>();
        openApi.validate(json, InputFormat.JSON).forEach(e -> refusals.add(new Refusal("openAPIV3Schema", e.getInstanceLocation() + ": " + e.getMessage())));
        boolean passesSchema = refusals.isEmpty();
        checkListSetsAndMaps(schema, defaulted, "", refusals);
        if (passesSchema) {
            // The API server evaluates CEL rules only on objects that pass the schema.
            evaluate(schema, JSON.readValue(json, Object.class), refusals);
        }
        return refusals;
    }

    /**
     * The API server's uniqueness check of {@code x-kubernetes-list-type} lists (apiextensions-apiserver, schema/listtype):
     * in a map list no two items have the same values of the {@code x-kubernetes-list-map-keys} (an absent key is a
     * value of its own), in a set list no two items are equal. Each item repeated is refused once, at its second place.
     */
    private static void checkListSetsAndMaps(JsonNode schema, JsonNode value, String path, List<Refusal> refusals) {
        if (value instanceof ObjectNode object) {
            var properties = schema.path("properties").fields();
            while (properties.hasNext()) {
                var property = properties.next();
                if (object.has(property.getKey())) {
                    checkListSetsAndMaps(property.getValue(), object.get(property.getKey()), path + "/" + property.getKey(), refusals);
                }
            }
        } else if (value instanceof ArrayNode array) {
            String listType = schema.path("x-kubernetes-list-type").asText("atomic");
            if (listType.equals("map") || listType.equals("set")) {
                Set<JsonNode> seen = new HashSet<>();
                Set<JsonNode> told = new HashSet<>();
                for (int i = 0; i < array.size(); i++) {
                    JsonNode identity = listType.equals("set") ? array.get(i) : keysOf(schema, array.get(i));
                    if (!seen.add(identity) && told.add(identity)) {
                        refusals.add(new Refusal("x-kubernetes-list-type: " + listType, path + "/" + i + ": Duplicate value: " + identity));
                    }
                }
            }
            for (int i = 0; i < array.size(); i++) {
                checkListSetsAndMaps(schema.path("items"), array.get(i), path + "/" + i, refusals);
            }
        }
    }

    private static JsonNode keysOf(JsonNode listSchema, JsonNode item) {
        ObjectNode keys = JSON.createObjectNode();
        listSchema.path("x-kubernetes-list-map-keys").forEach(key -> {
            if (item.has(key.asText())) {
                keys.set(key.asText(), item.get(key.asText()));
            }
        });
        return keys;
    }

    /** Every CEL rule of the CRD, in schema order. */
    List<String> rules() {
        List<String> rules = new ArrayList<>();
        collect(schema, rules);
        return rules;
    }

    private static void collect(JsonNode node, List<String> rules) {
        node.path("x-kubernetes-validations").forEach(v -> rules.add(v.path("rule").asText()));
        node.path("properties").forEach(p -> collect(p, rules));
        if (node.has("items")) {
            collect(node.path("items"), rules);
        }
    }

    @SuppressWarnings("unchecked")
    private static void evaluate(JsonNode node, Object value, List<Refusal> refusals) throws Exception {
        if (value == null) {
            return;
        }
        for (JsonNode validation : node.path("x-kubernetes-validations")) {
            String rule = validation.path("rule").asText();
            Object result = CEL.createProgram(CEL.compile(rule).getAst()).eval(Map.of("self", value));
            if (!Boolean.TRUE.equals(result)) {
                refusals.add(new Refusal(rule, validation.path("message").asText()));
            }
        }
        if (value instanceof Map<?, ?> map) {
            var fields = node.path("properties").fields();
            while (fields.hasNext()) {
                var field = fields.next();
                evaluate(field.getValue(), ((Map<String, Object>) map).get(field.getKey()), refusals);
            }
        } else if (value instanceof List<?> list && node.has("items")) {
            for (Object item : list) {
                evaluate(node.path("items"), item, refusals);
            }
        }
    }

    static Map<String, Object> map(Object value) {
        return JSON.convertValue(value, LinkedHashMap.class);
    }
}
