package dev.tracegate.provisioner.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API server refuses a CRD whose CEL rules it estimates too costly, however cheap they are on real objects: the
 * whole CRD, so {@code kubectl apply} of kubernetes/ would fail. {@link CelCostEstimate} is our port of that estimate;
 * it is first held to Kubernetes' own expected costs, then applied to the generated CRD.
 */
class CelCostBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A case of Kubernetes' own cost-estimation test (apiextensions-apiserver, schema/cel/compilation_test.go). */
    record Case(String schema, String rule, long expectedCost) {
    }

    private static final String NUMBERS = "{\"type\":\"array\",\"items\":{\"type\":\"number\"}%s}";
    private static final String STRINGS = "{\"type\":\"array\",\"items\":{\"type\":\"string\"}%s}";
    private static final String FORMATTED = "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"%s\"}}";
    private static final String OBJECTS = "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"required\"],"
            + "\"properties\":{\"required\":{\"type\":\"string\"},\"optional\":{\"type\":\"string\"}}}%s}";
    private static final String MAPS_OF_NUMBERS = "{\"type\":\"array\",\"items\":{\"type\":\"object\","
            + "\"additionalProperties\":{\"type\":\"number\"}}%s}";
    private static final String STRING_MAP = "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}%s}";
    private static final String NESTED = "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"%s}%s}";
    private static final String STRING = "{\"type\":\"string\"%s}";
    private static final String REPLACE = "{\"type\":\"object\",\"properties\":{\"str\":{\"type\":\"string\"%s},"
            + "\"before\":{\"type\":\"string\",\"maxLength\":2},\"after\":{\"type\":\"string\",\"maxLength\":4}}}";
    private static final String ENUM = "{\"type\":\"string\",\"enum\":[\"A\",\"B\",\"C\",\"LongValue\"]%s}";

    static final List<Case> KUBERNETES_CASES = List.of(
            new Case(NUMBERS.formatted(""), "self.all(x, true)", 4718591),
            new Case(NUMBERS.formatted(",\"maxItems\":10"), "self.all(x, true)", 32),
            new Case(STRINGS.formatted(""), "self.all(x, true)", 3145727),
            new Case(STRINGS.formatted(",\"maxItems\":20"), "self.all(x, true)", 62),
            new Case(FORMATTED.formatted("duration"), "self.all(x, true)", 2359295),
            new Case(FORMATTED.formatted("date"), "self.all(x, true)", 725936),
            new Case(FORMATTED.formatted("date-time"), "self.all(x, true)", 428963),
            new Case(OBJECTS.formatted(""), "self.all(x, true)", 555128),
            new Case(OBJECTS.formatted(",\"maxItems\":50"), "self.all(x, true)", 152),
            new Case(STRING_MAP.formatted(""), "self.all(x, true)", 1179647),
            new Case(STRING_MAP.formatted(",\"maxProperties\":3"), "self.all(x, true)", 11),
            new Case(NUMBERS.formatted(",\"maxItems\":10"), "self.all(x, self.all(y, true))", 352),
            new Case(NUMBERS.formatted(""), "self.all(x, x == 0.0)", 6291454),
            new Case(MAPS_OF_NUMBERS.formatted(""), "self.all(x, x.y == 25.2)", 6291452),
            new Case(MAPS_OF_NUMBERS.formatted(",\"maxItems\":12"), "self.all(x, x.y == 25.2)", 74),
            new Case(STRINGS.formatted(""), "self[1] == self[1]", 314577),
            new Case(STRING.formatted(""), "size(self + \"hello\") > size(\"hello\")", 314578),
            new Case(STRING.formatted(",\"maxLength\":4"), "size(self + \"hello\") > size(\"hello\")", 7),
            new Case(STRING.formatted(""), "self.matches(\"x\")", 314574),
            new Case(STRING.formatted(",\"maxLength\":50"), "self.matches(\"x\")", 22),
            new Case(STRING.formatted(""), "self == \"x\"", 2),
            new Case(STRING.formatted(",\"maxLength\":0"), "self == \"x\"", 1),
            new Case(NESTED.formatted("", ""), "self.all(x, x.contains(self[x]))", 2752507),
            new Case(NESTED.formatted(",\"maxLength\":10", ",\"maxProperties\":10"), "self.all(x, x.contains(self[x]))", 72),
            new Case(REPLACE.formatted(""), "self.str.replace(self.before, self.after) == 'does not matter'", 629154),
            new Case(REPLACE.formatted(",\"maxLength\":4"), "self.str.replace(self.before, self.after) == 'does not matter'", 12),
            new Case(ENUM.formatted(""), "self.contains('A')", 2),
            new Case(ENUM.formatted(",\"maxLength\":1000"), "self.contains('A')", 401));

    @Test
    void theEstimateGivesKubernetesOwnCosts() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Case c : KUBERNETES_CASES) {
            long cost = CelCostEstimate.cost(c.rule(), JSON.readTree(c.schema()));
            if (cost != c.expectedCost()) {
                wrong.add(c.rule() + " on " + c.schema() + ": " + cost + ", Kubernetes says " + c.expectedCost());
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theCrdsRulesAreWithinTheApiServersBudget() throws Exception {
        JsonNode schema = new CrdAdmission().schema();
        List<CelCostEstimate.Rule> rules = CelCostEstimate.rules(schema);
        List<String> over = new ArrayList<>();
        long total = 0;
        StringBuilder table = new StringBuilder();
        for (CelCostEstimate.Rule rule : rules) {
            table.append(String.format("%n%,14d x %,5d  %s: %s", rule.cost(), rule.cardinality(), rule.path(), rule.rule()));
            if (rule.cost() > CelCostEstimate.RULE_LIMIT) {
                over.add(rule.path() + ": " + rule.rule() + " costs " + rule.cost());
            }
            total = Math.addExact(total, rule.total());
        }
        if (total > CelCostEstimate.CRD_LIMIT) {
            over.add("all rules together cost " + total);
        }
        assertEquals(List.of(), over, "over the API server's budget (rule " + CelCostEstimate.RULE_LIMIT + ", CRD "
                + CelCostEstimate.CRD_LIMIT + "); every rule:" + table);
    }
}
