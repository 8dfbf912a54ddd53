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
 * The part of Grafana's data source HTTP API we use. Bodies travel as JSON text and every call returns the raw
 * {@link Response}: the status codes (404, 409) are answers, not errors, for a reconciler.
 */
@Path("/api/datasources")
@Produces(MediaType.APPLICATION_JSON)
public interface GrafanaDatasourceApi {

    @GET
    Response list();

    @GET
    @Path("/uid/{uid}")
    Response getByUid(@PathParam("uid") String uid);

    @GET
    @Path("/name/{name}")
    Response getByName(@PathParam("name") String name);

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Response create(String body);

    @PUT
    @Path("/uid/{uid}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response update(@PathParam("uid") String uid, String body);

    @DELETE
    @Path("/uid/{uid}")
    Response delete(@PathParam("uid") String uid);

    @GET
    @Path("/uid/{uid}/health")
    Response health(@PathParam("uid") String uid);
}
