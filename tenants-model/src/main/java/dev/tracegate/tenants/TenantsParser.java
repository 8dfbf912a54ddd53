package dev.tracegate.tenants;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a tenants document (YAML or JSON) into {@link TenantsDocument}. Unknown fields inside {@code tenants} are
 * refused, so that a misspelt {@code groupclaim} is an error instead of a silently missing group list.
 * <p>
 * String values may use {@code ${name}} or {@code ${name:default}}, looked up in the gateway's configuration
 * (system properties, environment variables such as {@code ${OIDC_CLIENT_SECRET}}, application.properties), so
 * that secrets can stay out of the file.
 */
public final class TenantsParser {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

    /** How Jackson's parsers (JSON and YAML alike) begin their message for a key given twice in one object. */
    private static final String DUPLICATE_KEY = "Duplicate field '";

    // A key given twice is refused rather than its last value taken: one of the two was a mistake.
    private final ObjectMapper mapper = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final ObjectMapper json = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private final Function<String, Optional<String>> lookup;

    /** @param lookup resolves {@code ${name}} placeholders; {@code null} turns expansion off. */
    public TenantsParser(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    public TenantsDocument parse(String text) throws InvalidTenantsException {
        JsonNode tree = readTree(text);
        if (tree == null || !tree.isObject() || !tree.has("tenants")) {
            throw new InvalidTenantsException("tenants: required");
        }
        if (lookup != null) {
            List<String> problems = new ArrayList<>();
            expand(tree, "", problems);
            if (!problems.isEmpty()) {
                throw new InvalidTenantsException(problems);
            }
        }
        try {
            return mapper.treeToValue(tree, TenantsDocument.class);
        } catch (JsonMappingException e) {
            throw new InvalidTenantsException(path(e) + ": " + shortReason(e));
        } catch (IOException e) {
            throw new InvalidTenantsException("unreadable document: " + e.getMessage());
        }
    }

    /**
     * JSON (what the provisioner serves) through a JSON parser: the YAML parser refuses characters that JSON carries
     * unescaped (DEL, the C1 controls, U+FFFE), which a Secret's value may hold. What is not JSON is read as YAML.
     */
    private JsonNode readTree(String text) throws InvalidTenantsException {
        if (text.stripLeading().startsWith("{")) {
            try {
                return json.readTree(text);
            } catch (JsonProcessingException notJson) {
                refuseDuplicateKey(notJson);
                // YAML's flow style starts with { too: its parser decides, and says what is wrong.
            }
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            refuseDuplicateKey(e);
            throw new InvalidTenantsException("not a YAML or JSON document: " + syntaxProblem(e) + location(e));
        }
    }

    /** A key given twice, named by its path in the document (the parser stands on it when it refuses). */
    private static void refuseDuplicateKey(JsonProcessingException e) throws InvalidTenantsException {
        if (e.getOriginalMessage() == null || !e.getOriginalMessage().startsWith(DUPLICATE_KEY)
                || !(e.getProcessor() instanceof JsonParser parser)) {
            return;
        }
        List<String> steps = new ArrayList<>();
        for (JsonStreamContext at = parser.getParsingContext(); at != null && !at.inRoot(); at = at.getParent()) {
            steps.add(0, at.inArray() ? "[" + at.getCurrentIndex() + "]" : "." + at.getCurrentName());
        }
        String path = String.join("", steps);
        throw new InvalidTenantsException((path.startsWith(".") ? path.substring(1) : path) + ": given twice");
    }

    /**
     * What is wrong with a document that does not parse, without its text: the parser's own message quotes the
     * offending line, and that line may hold a client secret.
     */
    private static String syntaxProblem(JsonProcessingException e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof MarkedYAMLException marked) {
                return (marked.getContext() == null ? "" : marked.getContext() + ": ") + marked.getProblem();
            }
        }
        return "malformed";
    }

    private void expand(JsonNode node, String path, List<String> problems) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getValue().isTextual()) {
                    field.setValue(new TextNode(expandText(field.getValue().asText(), fieldPath, problems)));
                } else {
                    expand(field.getValue(), fieldPath, problems);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String elementPath = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(expandText(array.get(i).asText(), elementPath, problems)));
                } else {
                    expand(array.get(i), elementPath, problems);
                }
            }
        }
    }

    private String expandText(String value, String path, List<String> problems) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).trim();
            Optional<String> resolved = lookup.apply(name);
            if (resolved.isEmpty() && m.group(2) == null) {
                problems.add(path + ": ${" + name + "} is not set");
                m.appendReplacement(out, "");
            } else {
                m.appendReplacement(out, Matcher.quoteReplacement(resolved.orElse(m.group(2))));
            }
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Jackson's reference path as the document spells it: {@code tenants.authentication[1].oidc.issuerURL}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "document" : sb.toString();
    }

    private static String shortReason(JsonMappingException e) {
        String kind = e.getClass().getSimpleName();
        if (kind.equals("UnrecognizedPropertyException")) {
            return "unknown field";
        }
        if (kind.equals("MismatchedInputException") || kind.equals("InvalidFormatException")) {
            return "wrong type (" + firstLine(e.getOriginalMessage()) + ")";
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
