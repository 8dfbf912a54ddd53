package dev.tracegate.provisioner.grafana;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The part of Grafana's HTTP API we use: data sources, and the org the credentials work in. Bodies travel as JSON
 * text and every call returns the raw {@link Response}: the status codes (404, 409) are answers, not errors, for a
 * reconciler.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public interface GrafanaDatasourceApi {

    @GET
    @Path("/datasources")
    Response list();

    @GET
    @Path("/datasources/uid/{uid}")
    Response getByUid(@PathParam("uid") String uid);

    @GET
    @Path("/datasources/name/{name}")
    Response getByName(@PathParam("name") String name);

    @POST
    @Path("/datasources")
    @Consumes(MediaType.APPLICATION_JSON)
    Response create(String body);

    @PUT
    @Path("/datasources/uid/{uid}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response update(@PathParam("uid") String uid, String body);

    @DELETE
    @Path("/datasources/uid/{uid}")
    Response delete(@PathParam("uid") String uid);

    @GET
    @Path("/datasources/uid/{uid}/health")
    Response health(@PathParam("uid") String uid);

    /** The current org: the one of X-Grafana-Org-Id, else the credentials' own ({@code {"id": 1, "name": "Main Org."}}). */
    @GET
    @Path("/org")
    Response currentOrg();
}
