package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.parser.CelParser;
import dev.cel.parser.CelParserFactory;
import dev.cel.parser.CelStandardMacro;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The cost the API server estimates for each CEL rule of a CRD when the CRD is created or updated. It refuses the
 * CRD when one rule's estimate is over {@link #RULE_LIMIT} or when the estimates times the number of times each rule
 * can run in one object add up to more than {@link #CRD_LIMIT}; so a rule that is cheap on every real object can
 * still make the whole CRD impossible to install.
 * <p>
 * No API server runs here: this is our port of its estimate for the CEL the CRD uses. The cost of each expression
 * and of the comprehensions that macros ({@code all}, {@code exists}, {@code exists_one}, {@code map},
 * {@code filter}) expand to follows cel-go's {@code checker/cost.go}; the sizes of values follow Kubernetes'
 * {@code k8s.io/apiserver/pkg/cel/common/schemas.go} (a string of {@code maxLength} n counts 4n bytes, one without
 * {@code maxLength} the whole 3 MiB request; a list without {@code maxItems} as many items as fit in a request);
 * the cost of {@code replace} follows {@code k8s.io/apiserver/pkg/cel/library/cost.go}; {@code has()} is free, as
 * Kubernetes configures it. A function or construct it does not know is an {@link IllegalArgumentException}, never a
 * guess.
 */
final class CelCostEstimate {
    /** StaticEstimatedCostLimit: the most one rule may cost. */
    static final long RULE_LIMIT = 10_000_000L;
    /** StaticEstimatedCRDCostLimit: the most all rules may cost together, each times its cardinality. */
    static final long CRD_LIMIT = 100_000_000L;

    private static final long MAX_REQUEST_BYTES = 3L * 1024 * 1024;
    private static final long UNKNOWN = Long.MAX_VALUE;
    private static final double STRING_TRAVERSAL_COST_FACTOR = 0.1;
    private static final double REGEX_STRING_LENGTH_COST_FACTOR = 0.25;
    private static final long LIST_CREATE_BASE_COST = 10;
    private static final CelParser PARSER = CelParserFactory.standardCelParserBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .build();

    /**
     * One rule: where it sits in the schema, its estimated cost, and how many times it can run in one object (the
     * product of the item limits of the lists it sits in).
     */
    record Rule(String path, String rule, long cost, long cardinality) {
        long total() {
            return multiply(cost, cardinality);
        }
    }

    private CelCostEstimate() {
    }

    /** Every rule of a CRD's {@code openAPIV3Schema}, in schema order. */
    static List<Rule> rules(JsonNode openApiV3Schema) {
        List<Rule> rules = new ArrayList<>();
        walk(withObjectMeta(openApiV3Schema), "self", 1L, rules);
        return rules;
    }

    /** The cost of one rule whose {@code self} is a value of {@code schema}. */
    static long cost(String rule, JsonNode schema) {
        CelExpr expr;
        try {
            expr = PARSER.parse(rule).getAst().getExpr();
        } catch (CelValidationException e) {
            throw new IllegalArgumentException("cannot parse " + rule + ": " + e.getMessage(), e);
        }
        Map<String, Value> scope = new HashMap<>();
        scope.put("self", Value.of(schema));
        return new Estimator(rule).visit(expr, scope).cost();
    }

    /**
     * @param cardinality how many times a value here can occur in one object: the product of the limits of the lists
     *                    and maps around it; null once one of them has no limit
     */
    private static void walk(JsonNode schema, String path, Long cardinality, List<Rule> rules) {
        for (JsonNode validation : schema.path("x-kubernetes-validations")) {
            String rule = validation.path("rule").asText();
            // Without a limit around it, Kubernetes counts as many of this value as fit in one request.
            long times = cardinality != null ? cardinality : MAX_REQUEST_BYTES / (minSerializedSize(schema) + 1);
            rules.add(new Rule(path, rule, cost(rule, schema), times));
        }
        Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            walk(property.getValue(), path + "." + property.getKey(), cardinality, rules);
        }
        if (schema.has("items")) {
            walk(schema.get("items"), path + "[]", times(cardinality, schema.path("maxItems")), rules);
        }
        if (schema.path("additionalProperties").isObject()) {
            walk(schema.get("additionalProperties"), path + "{}", times(cardinality, schema.path("maxProperties")), rules);
        }
    }

    private static Long times(Long cardinality, JsonNode limit) {
        return cardinality == null || !limit.isNumber() ? null : multiply(cardinality, limit.asLong());
    }

    /** At a resource's root, rules always see {@code metadata.name} and {@code metadata.generateName}. */
    private static JsonNode withObjectMeta(JsonNode root) {
        ObjectNode copy = root.deepCopy();
        ObjectNode properties = copy.with("properties");
        ObjectNode string = JsonNodeFactory.instance.objectNode().put("type", "string");
        properties.set("apiVersion", string);
        properties.set("kind", string);
        ObjectNode metadata = JsonNodeFactory.instance.objectNode().put("type", "object");
        metadata.with("properties").set("name", string);
        metadata.with("properties").set("generateName", string);
        properties.set("metadata", metadata);
        return copy;
    }

    private enum Kind { STRING, BYTES, INT, DOUBLE, BOOL, TIME, LIST, MAP, OBJECT, NULL }

    /**
     * What the estimate knows of a value: its kind, its schema when it is read from {@code self}, and its largest
     * size as Kubernetes counts it (a string's bytes, a list's items, a map's entries; 1 for other literals, 0 for
     * other values of the schema).
     */
    private record Value(Kind kind, JsonNode schema, long size) {
        static Value of(JsonNode schema) {
            return switch (schema.path("type").asText()) {
                case "string" -> switch (schema.path("format").asText()) {
                    case "byte" -> new Value(Kind.BYTES, schema,
                            schema.has("maxLength") ? schema.get("maxLength").asLong() : unboundedString());
                    case "duration", "date-time" -> new Value(Kind.TIME, schema, 32); // their longest JSON form
                    case "date" -> new Value(Kind.TIME, schema, 12);
                    default -> new Value(Kind.STRING, schema, maxStringLength(schema));
                };
                case "integer" -> new Value(Kind.INT, schema, 0);
                case "number" -> new Value(Kind.DOUBLE, schema, 0);
                case "boolean" -> new Value(Kind.BOOL, schema, 0);
                case "array" -> new Value(Kind.LIST, schema, maxItems(schema));
                case "object" -> schema.path("additionalProperties").isObject()
                        ? new Value(Kind.MAP, schema, maxProperties(schema))
                        : new Value(Kind.OBJECT, schema, 0);
                default -> throw new IllegalArgumentException("no CEL type for schema " + schema);
            };
        }

        static Value scalar(Kind kind) {
            return new Value(kind, null, 1);
        }
    }

    private record Cost(long cost, Value value) {
    }

    /** Walks one rule's expression as cel-go's coster does. */
    private record Estimator(String rule) {

        Cost visit(CelExpr e, Map<String, Value> scope) {
            return switch (e.getKind()) {
                case CONSTANT -> new Cost(0, constant(e.constant()));
                case IDENT -> {
                    Value value = scope.get(e.ident().name());
                    if (value == null) {
                        throw unknown("variable " + e.ident().name());
                    }
                    yield new Cost(1, value);
                }
                case SELECT -> select(e.select(), scope);
                case LIST -> {
                    long cost = LIST_CREATE_BASE_COST;
                    for (CelExpr element : e.list().elements()) {
                        cost = add(cost, visit(element, scope).cost());
                    }
                    yield new Cost(cost, new Value(Kind.LIST, null, e.list().elements().size()));
                }
                case CALL -> call(e.call(), scope);
                case COMPREHENSION -> comprehension(e.comprehension(), scope);
                default -> throw unknown(e.getKind().toString());
            };
        }

        private Cost select(CelExpr.CelSelect select, Map<String, Value> scope) {
            Cost operand = visit(select.operand(), scope);
            if (select.testOnly()) {
                return new Cost(operand.cost(), Value.scalar(Kind.BOOL)); // has(): free in Kubernetes
            }
            Value from = operand.value();
            if (from.kind() == Kind.MAP) {
                // A map's value read as a field: Kubernetes' size estimate does not follow it, CEL's own applies.
                return new Cost(add(operand.cost(), 1), unsized(Value.of(from.schema().get("additionalProperties"))));
            }
            JsonNode field = from.kind() == Kind.OBJECT ? from.schema().path("properties").path(select.field()) : null;
            if (field == null || field.isMissingNode()) {
                throw unknown("field " + select.field());
            }
            return new Cost(add(operand.cost(), 1), Value.of(field));
        }

        private Cost comprehension(CelExpr.CelComprehension loop, Map<String, Value> scope) {
            Cost range = visit(loop.iterRange(), scope);
            Cost init = visit(loop.accuInit(), scope);
            Map<String, Value> inner = new HashMap<>(scope);
            boolean collects = init.value().kind() == Kind.LIST;
            inner.put(loop.accuVar(), collects ? new Value(Kind.LIST, null, UNKNOWN) : init.value());
            inner.put(loop.iterVar(), element(range.value()));
            Cost condition = visit(loop.loopCondition(), inner);
            Cost step = visit(loop.loopStep(), inner);
            inner.remove(loop.iterVar());
            Cost result = visit(loop.result(), inner);
            long count = range.value().size();
            long cost = add(add(add(range.cost(), init.cost()), result.cost()),
                    multiply(count, add(condition.cost(), step.cost())));
            // map() and filter() collect at most one item per item of the range.
            return new Cost(cost, collects ? new Value(Kind.LIST, null, count) : result.value());
        }

        /** What a comprehension's variable takes: a list's items, or a map's keys (of size 0 to Kubernetes). */
        private Value element(Value range) {
            if (range.schema() != null && range.kind() == Kind.LIST) {
                return Value.of(range.schema().get("items"));
            }
            if (range.schema() != null && range.kind() == Kind.MAP) {
                return new Value(Kind.STRING, null, 0);
            }
            throw unknown("a comprehension over anything but a list or map of the schema");
        }

        /** What indexing a list or a map of the schema gives. */
        private Value item(Value container) {
            if (container.schema() != null && container.kind() == Kind.LIST) {
                return Value.of(container.schema().get("items"));
            }
            if (container.schema() != null && container.kind() == Kind.MAP) {
                return Value.of(container.schema().get("additionalProperties"));
            }
            throw unknown("an index into anything but a list or map of the schema");
        }

        /** A value whose size the estimate cannot look up in the schema: 1 for a scalar, else unknown. */
        private static Value unsized(Value value) {
            return switch (value.kind()) {
                case INT, DOUBLE, BOOL, TIME, NULL -> new Value(value.kind(), null, 1);
                default -> new Value(value.kind(), null, UNKNOWN);
            };
        }

        private Cost call(CelExpr.CelCall call, Map<String, Value> scope) {
            List<Cost> args = new ArrayList<>();
            long argCosts = 0;
            for (CelExpr arg : call.args()) {
                Cost cost = visit(arg, scope);
                args.add(cost);
                argCosts = add(argCosts, cost.cost());
            }
            Cost target = call.target().isPresent() ? visit(call.target().get(), scope) : null;
            long base = target == null ? argCosts : add(argCosts, target.cost());
            return switch (call.function()) {
                case "_&&_", "_||_" -> new Cost(base, Value.scalar(Kind.BOOL));
                case "_?_:_" -> new Cost(add(args.get(0).cost(), Math.max(args.get(1).cost(), args.get(2).cost())),
                        new Value(args.get(1).value().kind(), null,
                                Math.max(args.get(1).value().size(), args.get(2).value().size())));
                case "_==_", "_!=_" -> new Cost(add(base, traversal(smallest(args))), Value.scalar(Kind.BOOL));
                case "_<_", "_<=_", "_>_", "_>=_" -> {
                    Kind kind = args.get(0).value().kind();
                    long compare = kind == Kind.STRING || kind == Kind.BYTES ? traversal(smallest(args)) : 1;
                    yield new Cost(add(base, compare), Value.scalar(Kind.BOOL));
                }
                case "_+_" -> plus(args, base);
                case "_-_", "_*_", "_/_", "_%_", "-_" -> new Cost(add(base, 1), args.get(0).value());
                case "!_", "@not_strictly_false" -> new Cost(add(base, 1), Value.scalar(Kind.BOOL));
                // A list's "in" walks the list (without the cost of comparing its items); a map's is a lookup.
                case "@in" -> new Cost(add(base, args.get(1).value().kind() == Kind.LIST ? args.get(1).value().size() : 1),
                        Value.scalar(Kind.BOOL));
                case "size" -> new Cost(add(base, 1), Value.scalar(Kind.INT));
                case "_[_]" -> new Cost(add(base, 1), item(args.get(0).value()));
                case "contains" -> {
                    if (target == null) {
                        throw unknown("contains() called as a global function");
                    }
                    yield new Cost(add(base, multiply(traversal(target.value().size()), traversal(args.get(0).value().size()))),
                            Value.scalar(Kind.BOOL));
                }
                case "matches" -> matches(target, args, base);
                case "replace" -> replace(call, target, args, base);
                default -> throw unknown("function " + call.function());
            };
        }

        private Cost plus(List<Cost> args, long base) {
            Value left = args.get(0).value();
            Value right = args.get(1).value();
            return switch (left.kind()) {
                case STRING, BYTES -> {
                    long size = add(left.size(), right.size());
                    yield new Cost(add(base, traversal(size)), new Value(left.kind(), null, size));
                }
                case LIST -> new Cost(add(base, 1), new Value(Kind.LIST, null, add(left.size(), right.size())));
                default -> new Cost(add(base, 1), left);
            };
        }

        private Cost matches(Cost target, List<Cost> args, long base) {
            if (target == null) {
                throw unknown("matches() called as a global function");
            }
            long text = multiplyByFactor(add(target.value().size(), 1), STRING_TRAVERSAL_COST_FACTOR);
            long regex = multiplyByFactor(args.get(0).value().size(), REGEX_STRING_LENGTH_COST_FACTOR);
            return new Cost(add(base, multiply(text, regex)), Value.scalar(Kind.BOOL));
        }

        /**
         * Kubernetes' estimate of the strings extension's {@code replace}: the traversal and the building of the
         * result, whose size assumes the most replacements of the shortest match by the longest replacement.
         */
        private Cost replace(CelExpr.CelCall call, Cost target, List<Cost> args, long base) {
            if (target == null || args.size() != 2) {
                throw unknown("replace() but with two strings on a string");
            }
            long size = target.value().size();
            long replacedMin = smallestPossible(call.args().get(0), args.get(0).value());
            long replacementMax = args.get(1).value().size();
            long resultSize;
            if (replacedMin == 0) {
                resultSize = add(multiply(add(size, 1), replacementMax), size);
            } else if (replacementMax <= replacedMin) {
                resultSize = size;
            } else {
                resultSize = multiply(size / replacedMin + (size % replacedMin == 0 ? 0 : 1), replacementMax);
            }
            return new Cost(add(base, multiplyByFactor(size, 2 * STRING_TRAVERSAL_COST_FACTOR)),
                    new Value(Kind.STRING, null, resultSize));
        }

        /** The smallest size: a literal's own, 0 for a value of the schema (Kubernetes estimates sizes from 0). */
        private long smallestPossible(CelExpr expr, Value value) {
            if (value.schema() != null) {
                return 0;
            }
            if (expr.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
                throw unknown("replace() of a computed string");
            }
            return value.size();
        }

        private Value constant(CelConstant constant) {
            return switch (constant.getKind()) {
                case STRING_VALUE -> new Value(Kind.STRING, null,
                        constant.stringValue().codePointCount(0, constant.stringValue().length()));
                case BYTES_VALUE -> new Value(Kind.BYTES, null, constant.bytesValue().size());
                case INT64_VALUE, UINT64_VALUE -> Value.scalar(Kind.INT);
                case DOUBLE_VALUE -> Value.scalar(Kind.DOUBLE);
                case BOOLEAN_VALUE -> Value.scalar(Kind.BOOL);
                case NULL_VALUE -> Value.scalar(Kind.NULL);
                default -> throw unknown("constant " + constant.getKind());
            };
        }

        private IllegalArgumentException unknown(String what) {
            return new IllegalArgumentException("no cost estimate for " + what + " in " + rule);
        }
    }

    private static long smallest(List<Cost> args) {
        return Math.min(args.get(0).value().size(), args.get(1).value().size());
    }

    /** What traversing a string of this size costs; an equality of two non-empty values costs at least 1. */
    private static long traversal(long size) {
        return multiplyByFactor(size, STRING_TRAVERSAL_COST_FACTOR);
    }

    private static long maxStringLength(JsonNode schema) {
        if (schema.has("maxLength")) {
            return multiply(schema.get("maxLength").asLong(), 4); // maxLength counts characters, of up to 4 bytes
        }
        if (schema.has("enum")) {
            long longest = 0;
            for (JsonNode value : schema.get("enum")) {
                longest = Math.max(longest, value.asText().length());
            }
            return longest;
        }
        return unboundedString();
    }

    private static long unboundedString() {
        return MAX_REQUEST_BYTES - 2; // the request, less the quotes
    }

    private static long maxItems(JsonNode array) {
        return array.has("maxItems") ? array.get("maxItems").asLong()
                : (MAX_REQUEST_BYTES - 2) / (minSerializedSize(array.get("items")) + 1);
    }

    private static long maxProperties(JsonNode map) {
        return map.has("maxProperties") ? map.get("maxProperties").asLong()
                : (MAX_REQUEST_BYTES - 2) / (minSerializedSize(map.get("additionalProperties")) + 6);
    }

    /** The fewest bytes a value of the schema takes in JSON: {@code ""}, {@code []}, {@code {}} plus required fields. */
    private static long minSerializedSize(JsonNode schema) {
        if (!"object".equals(schema.path("type").asText()) || schema.path("additionalProperties").isObject()) {
            return switch (schema.path("type").asText()) {
                case "integer", "number" -> 1;
                case "boolean" -> 4;
                case "string" -> switch (schema.path("format").asText()) {
                    case "duration" -> 3;
                    case "date" -> 12;
                    case "date-time" -> 21;
                    default -> 2;
                };
                default -> 2;
            };
        }
        long size = 2;
        for (JsonNode required : schema.path("required")) {
            JsonNode property = schema.path("properties").path(required.asText());
            if (!property.isMissingNode() && !property.has("default")) {
                size += required.asText().length() + minSerializedSize(property) + 4;
            }
        }
        return size;
    }

    private static long multiplyByFactor(long size, double factor) {
        if (size == UNKNOWN) {
            return UNKNOWN;
        }
        return (long) Math.ceil(size * factor);
    }

    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 || a == UNKNOWN || b == UNKNOWN ? UNKNOWN : sum;
    }

    private static long multiply(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a > UNKNOWN / b ? UNKNOWN : a * b;
    }
}
