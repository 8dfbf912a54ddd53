package dev.tracegate.provisioner.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tracegate.provisioner.support.ApiRequestLog;
import dev.tracegate.provisioner.support.ApiRequestLog.ApiRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mock API server enforces no RBAC, so this check does: every request the provisioner made to it during the
 * suite (recorded by RecordingKubernetesClientProducer) must be allowed by the RBAC that kubernetes/base ships,
 * and every verb those rules grant must have been used by one. A plain JUnit class: Quarkus' class orderer runs
 * it after every @QuarkusTest of the module, once the log is complete.
 */
class ShippedRbacAllowsEveryRequestTest {
    static final Path BASE = Path.of("..", "kubernetes", "base");

    /**
     * Grants the code needs on paths no test reaches yet, each with the code that uses it. An entry that a test
     * comes to exercise, or whose grant is gone, fails the check: the list can only shrink.
     */
    static final Map<String, String> NOT_YET_EXERCISED = Map.of();

    @Test
    void everyRequestOfTheSuiteIsAllowedAndEveryGrantedVerbIsUsed() {
        List<ApiRequest> requests = withAdmissionChecks(ApiRequestLog.read());
        assumeFalse(requests.isEmpty(), "no provisioner ran in this JVM (a single test class was selected)");
        List<ShippedRbac.Rule> rules = ShippedRbac.read(BASE);

        Set<String> refused = new LinkedHashSet<>();
        for (ApiRequest request : requests) {
            if (rules.stream().noneMatch(rule -> rule.allows(request))) {
                refused.add(request.toString());
            }
        }
        assertEquals(Set.of(), refused, "requests the shipped RBAC would refuse (403 on a real cluster)");

        Set<String> unused = new LinkedHashSet<>();
        Set<String> stale = new LinkedHashSet<>(NOT_YET_EXERCISED.keySet());
        for (ShippedRbac.Rule rule : rules) {
            for (String resource : rule.resources()) {
                for (String verb : rule.verbs()) {
                    boolean used = requests.stream().anyMatch(r -> r.resourcePath().equals(resource) && rule.allowsVerb(r, verb) && r.verb().equals(verb));
                    String grant = rule.role() + ": " + verb + " " + resource;
                    if (!used && NOT_YET_EXERCISED.containsKey(grant)) {
                        stale.remove(grant);
                    } else if (!used) {
                        unused.add(grant);
                    }
                }
            }
        }
        assertEquals(Set.of(), unused, "granted but never used by the provisioner: drop them (least privilege)");
        assertEquals(Set.of(), stale, "NOT_YET_EXERCISED entries now exercised by a test, or no longer granted: remove them");
    }

    /**
     * Rights that admission checks on top of a request's own. OpenShift's route validation (openshift/library-go
     * pkg/route/hostassignment) asks for create on routes/custom-host when a Route is created with spec.host
     * (AllocateHost; QueryFrontendRoute always sets one), and for update on routes/custom-host when an update changes
     * spec.host (ValidateHostUpdate; an update that keeps the host, or sends none, is not checked). A host not known
     * counts as changed. The same checks cover spec.subdomain and certificates in spec.tls, which QueryFrontendRoute
     * never sets.
     */
    static List<ApiRequest> withAdmissionChecks(List<ApiRequest> recorded) {
        List<ApiRequest> all = new ArrayList<>(recorded);
        for (ApiRequest r : recorded) {
            if (!r.isRoute() || r.routeHost().isEmpty()) {
                continue;
            }
            if (r.verb().equals("create")) {
                all.add(new ApiRequest("create", r.group(), "routes", "custom-host", r.namespace(), r.name(), r.ownNamespace()));
            } else if (r.verb().equals("update") && !r.routeHost().equals(r.routeHostBefore())) {
                all.add(new ApiRequest("update", r.group(), "routes", "custom-host", r.namespace(), r.name(), r.ownNamespace()));
            }
        }
        return all;
    }
}
