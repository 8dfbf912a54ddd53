package dev.tracegate.provisioner.status;

import static dev.tracegate.provisioner.status.GatewayEventRecorder.WARNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.testsupport.ManualClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An Event that repeats is counted on the Event made before (count and lastTimestamp), as client-go's EventRecorder
 * does, instead of being made again: {@code kubectl describe} shows it as "x3 over 2m", and a cleanup retried for
 * ten minutes is one Event in the namespace, not one per retry. The clock is moved by hand.
 */
@EnableKubernetesMockClient(crud = true)
class RepeatedEventsTest {
    static final String CLEANUP_FAILED = "CleanupFailed";
    static final String UNREACHABLE = "Grafana http://grafana:3000 unreachable: Connection refused";

    KubernetesMockServer server;
    KubernetesClient client;

    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T03:00:00Z"));
    String namespace;
    TempoGateway gateway;
    GatewayEventRecorder recorder;

    @BeforeEach
    void setUp() {
        namespace = Fixtures.freshNamespace();
        gateway = gatewayWithUid(namespace);
        recorder = new GatewayEventRecorder(client, clock, GatewayEventRecorder.REMEMBERED);
    }

    @Test
    void anEventToldThreeTimesIsOneEventCountedThrice() throws InterruptedException {
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        clock.advance(Duration.ofMinutes(1));
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        clock.advance(Duration.ofMinutes(1));
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);

        assertEquals(List.of("POST", "PATCH", "PATCH"), requestMethods(), "a repeat is one patch, no read");
        Event event = onlyEvent();
        assertEquals(3, event.getCount());
        assertEquals("2026-12-01T03:00:00Z", event.getFirstTimestamp());
        assertEquals("2026-12-01T03:02:00Z", event.getLastTimestamp());
        assertEquals(UNREACHABLE, event.getMessage());
    }

    @Test
    void aDifferentMessageOrReasonIsAnEventOfItsOwn() {
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        recorder.record(gateway, WARNING, CLEANUP_FAILED, "Grafana http://grafana:3000 answered HTTP 503");
        recorder.record(gateway, WARNING, "CleanupAbandoned", UNREACHABLE);
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);

        assertEquals(List.of(
                "CleanupAbandoned: " + UNREACHABLE + " x1",
                "CleanupFailed: Grafana http://grafana:3000 answered HTTP 503 x1",
                "CleanupFailed: " + UNREACHABLE + " x2"), described());
    }

    @Test
    void aTempoGatewayDeletedAndCreatedAgainUnderItsNameHasEventsOfItsOwn() {
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        TempoGateway again = gatewayWithUid(namespace);

        recorder.record(again, WARNING, CLEANUP_FAILED, UNREACHABLE);

        Map<String, List<Integer>> countsByUid = events().stream().collect(Collectors.groupingBy(
                e -> e.getInvolvedObject().getUid(), Collectors.mapping(Event::getCount, Collectors.toList())));
        assertEquals(Map.of(gateway.getMetadata().getUid(), List.of(2), again.getMetadata().getUid(), List.of(1)), countsByUid);
    }

    @Test
    void anEventDeletedOnTheApiServerBetweenRepeatsIsMadeAnew() {
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        Event before = onlyEvent();
        assertEquals(2, before.getCount());
        // As the API server does an hour after an Event's last write (its --event-ttl), or someone with kubectl.
        client.v1().events().inNamespace(namespace).withName(before.getMetadata().getName()).delete();
        clock.advance(Duration.ofMinutes(1));

        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);

        Event anew = onlyEvent();
        assertNotEquals(before.getMetadata().getName(), anew.getMetadata().getName());
        assertEquals(1, anew.getCount());
        assertEquals("2026-12-01T03:01:00Z", anew.getFirstTimestamp());
        assertEquals("2026-12-01T03:01:00Z", anew.getLastTimestamp());

        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        assertEquals(2, onlyEvent().getCount(), "the new Event is counted from then on");
    }

    @Test
    void aRepeatWithinTheWindowOfTheLastIsCountedOneAWholeWindowLaterStartsANewEvent() {
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        clock.advance(Duration.ofMinutes(9));
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        clock.advance(Duration.ofMinutes(9));
        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
        clock.advance(GatewayEventRecorder.REPEAT_WINDOW);

        recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);

        assertEquals(List.of("from 2026-12-01T03:00:00Z to 2026-12-01T03:18:00Z x3", "from 2026-12-01T03:28:00Z to 2026-12-01T03:28:00Z x1"),
                events().stream().map(e -> "from " + e.getFirstTimestamp() + " to " + e.getLastTimestamp() + " x" + e.getCount())
                        .sorted().toList());
    }

    /** A long message (a document's every wrong field) is cut with an ellipsis, never inside a character. */
    @Test
    void aLongMessageIsCutWithAnEllipsis() {
        String errors = "tenants.authentication[7].oidc.issuerURL: must be an https URL; ".repeat(40);
        recorder.record(gateway, WARNING, "InvalidTenants", errors);
        String message = onlyEvent().getMessage();
        assertEquals(GatewayEventRecorder.MAX_MESSAGE, message.length());
        assertEquals(errors.substring(0, GatewayEventRecorder.MAX_MESSAGE - 1) + "\u2026", message);

        // An emoji (two UTF-16 units) where the cut falls is left out, never split in half.
        String emojiAtTheCut = "e".repeat(GatewayEventRecorder.MAX_MESSAGE - 2) + "\uD83D\uDE00 and more";
        recorder.record(gateway, WARNING, "Other", emojiAtTheCut);
        assertEquals(List.of("e".repeat(GatewayEventRecorder.MAX_MESSAGE - 2) + "\u2026"), events().stream()
                .filter(e -> e.getReason().equals("Other")).map(Event::getMessage).toList());
    }

    @Test
    void beyondTheEventsItRemembersTheLeastRecentlyRecordedIsMadeAnew() {
        recorder = new GatewayEventRecorder(client, clock, 2);
        recorder.record(gateway, WARNING, "A", "a");
        recorder.record(gateway, WARNING, "A", "a");
        recorder.record(gateway, WARNING, "B", "b");
        recorder.record(gateway, WARNING, "C", "c");

        recorder.record(gateway, WARNING, "A", "a");

        assertEquals(List.of("A: a x1", "A: a x2", "B: b x1", "C: c x1"), described());
    }

    /** Reconciles run on several worker threads: repeats told at once are each counted, on one Event. */
    @Test
    void repeatsToldFromSeveralThreadsAtOnceAreAllCountedOnOneEvent() throws Exception {
        int threads = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    recorder.record(gateway, WARNING, CLEANUP_FAILED, UNREACHABLE);
                }
                return null;
            }));
        }
        start.countDown();
        try {
            for (Future<?> thread : done) {
                thread.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(threads * each, onlyEvent().getCount());
    }

    /** The methods of the requests the API server has had so far, in order. */
    private List<String> requestMethods() throws InterruptedException {
        List<String> methods = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            methods.add(request.getMethod());
        }
        return methods;
    }

    private static TempoGateway gatewayWithUid(String namespace) {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getMetadata().setUid(UUID.randomUUID().toString());
        gateway.getMetadata().setResourceVersion("1");
        return gateway;
    }

    private List<Event> events() {
        return client.v1().events().inNamespace(namespace).list().getItems();
    }

    private Event onlyEvent() {
        List<Event> events = events();
        assertEquals(1, events.size(), () -> described().toString());
        return events.get(0);
    }

    /** Each Event as "reason: message xcount", sorted. */
    private List<String> described() {
        return events().stream().map(e -> e.getReason() + ": " + e.getMessage() + " x" + e.getCount()).sorted().toList();
    }
}
