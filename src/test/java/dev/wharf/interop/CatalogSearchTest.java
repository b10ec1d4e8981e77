package dev.wharf.interop;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** podman search reads Wharf's catalog ({@code /v2/_catalog}) and tag lists. */
class CatalogSearchTest extends InteropTest {

    @BeforeEach
    void pushToTwoRepositories() {
        images.build("app", 1);
        skopeoPush(clients.local("app"), "shop/app:v1");
        skopeoPush(clients.local("app"), "shop/app:v2");
        skopeoPush(clients.local("app"), "team/tool:latest");
    }

    @Test
    void podmanSearchListsEveryRepository() {
        List<String> found = lines(clients.podman().run("search", "--tls-verify=false", "--format", "{{.Name}}",
                clients.registryHost() + "/").stdout());

        String host = clients.registryHost();
        assertEquals(List.of(host + "/shop/app", host + "/team/tool"), found);
    }

    @Test
    void podmanSearchListTagsShowsTheTagsOfARepository() {
        // podman 4.3 ignores --format with --list-tags: rows are "NAME  TAG" under a header.
        List<String> rows = lines(clients.podman().run("search", "--tls-verify=false", "--list-tags",
                clients.registryHost() + "/shop/app").stdout());

        String name = clients.registryHost() + "/shop/app";
        assertEquals(List.of(name + " v1", name + " v2"),
                rows.stream().filter(row -> row.startsWith(name)).map(row -> row.replaceAll("\\s+", " ")).toList());
    }

    private static List<String> lines(String output) {
        return Arrays.stream(output.split("\n")).map(String::strip).filter(line -> !line.isEmpty()).sorted().toList();
    }
}
