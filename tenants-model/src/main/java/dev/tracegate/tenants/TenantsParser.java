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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

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

    private final ObjectMapper mapper = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private final Function<String, Optional<String>> lookup;

    /** @param lookup resolves {@code ${name}} placeholders; {@code null} turns expansion off. */
    public TenantsParser(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    public TenantsDocument parse(String text) throws InvalidTenantsException {
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidTenantsException("not a YAML or JSON document: " + e.getOriginalMessage()
                    + location(e));
        }
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
