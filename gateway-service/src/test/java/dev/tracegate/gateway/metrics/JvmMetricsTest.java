package dev.tracegate.gateway.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.Scrape;
import dev.tracegate.gateway.testsupport.TempoStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The JVM's meters on {@code /q/metrics}: memory, threads, classes and {@code jvm_info_total} as Quarkus' JVM binder
 * exports them, garbage collection read from the collectors when scraped, and none of the meters fed by a JMX
 * notification per collection.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class JvmMetricsTest {

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void theJvmsMetersAreExported() {
        String scrape = given().get(metrics).then().statusCode(200).extract().asString();
        for (String series : List.of("jvm_memory_used_bytes{", "jvm_memory_max_bytes{", "jvm_threads_live_threads ",
                "jvm_classes_loaded_classes ", "jvm_info_total{", "jvm_gc_collection_seconds_count{",
                "jvm_gc_collection_seconds_sum{")) {
            assertTrue(scrape.lines().anyMatch(line -> line.startsWith(series)), series + " is exported");
        }
    }

    @Test
    void collectionsAreCountedWhenScraped() {
        double before = Scrape.sum(metrics, series -> series.startsWith("jvm_gc_collection_seconds_count{"));
        System.gc(); // the gateway runs in the test's JVM
        double after = Scrape.sum(metrics, series -> series.startsWith("jvm_gc_collection_seconds_count{"));
        assertTrue(after > before, "a collection is counted: " + before + " then " + after);
    }

    @Test
    void noMeterListensToEveryCollection() {
        System.gc();
        String scrape = given().get(metrics).then().statusCode(200).extract().asString();
        for (String fedByNotifications : List.of("jvm_gc_pause_seconds", "jvm_gc_memory_allocated_bytes",
                "jvm_gc_memory_promoted_bytes", "jvm_gc_overhead", "jvm_memory_usage_after_gc")) {
            assertFalse(scrape.contains(fedByNotifications), fedByNotifications + " is not exported");
        }
    }
}
