package dev.tracegate.gateway.testsupport;

import static io.restassured.RestAssured.given;

import java.net.URL;
import java.util.function.Predicate;

/** Values read from the gateway's Prometheus scrape ({@code /q/metrics}). */
public final class Scrape {

    private Scrape() {
    }

    /** Requests counted in {@code tracegate_gateway_requests} with this tenant, route and status. */
    public static double requests(URL metrics, String tenant, String route, int code) {
        return sum(metrics, series -> series.startsWith("tracegate_gateway_requests_seconds_count{")
                && series.contains("tenant=\"" + tenant + "\"") && series.contains("route=\"" + route + "\"")
                && series.contains("code=\"" + code + "\""));
    }

    /** The sum of the samples whose series (name and labels, as printed) passes the filter; 0 when none does. */
    public static double sum(URL metrics, Predicate<String> series) {
        String text = given().get(metrics).then().statusCode(200).extract().asString();
        return text.lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .filter(line -> series.test(line.substring(0, line.lastIndexOf(' '))))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
