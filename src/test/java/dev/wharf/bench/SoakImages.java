package dev.wharf.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the soak has pushed and not deleted: every image here must pull back whole, byte for byte, at any
 * moment, whatever garbage collection, deletes of other images or restarts happened since. Shared by all
 * workers; an image leaves before its DELETE is sent, so a reader that then finds it gone knows why.
 */
final class SoakImages {
    record Blob(String digest, long size) {
    }

    record Image(String repo, String tag, String manifestDigest, List<Blob> blobs) {
    }

    private final List<Image> images = new ArrayList<>();

    synchronized void add(Image image) {
        images.add(image);
    }

    /** A random image still held, or null when there is none yet. */
    synchronized Image any(Random random) {
        return images.isEmpty() ? null : images.get(random.nextInt(images.size()));
    }

    /** Takes a random image out (before it is deleted from the registry); null when there is none. */
    synchronized Image takeAny(Random random) {
        return images.isEmpty() ? null : images.remove(random.nextInt(images.size()));
    }

    synchronized int size() {
        return images.size();
    }

    synchronized boolean holds(Image image) {
        return images.contains(image);
    }

    /** A repository whose held images include this blob, or null: where a mount can come from. */
    synchronized String repositoryHolding(String digest) {
        for (Image image : images) {
            for (Blob blob : image.blobs()) {
                if (blob.digest().equals(digest)) {
                    return image.repo();
                }
            }
        }
        return null;
    }

    synchronized Set<String> tags(String repo) {
        Set<String> tags = new TreeSet<>();
        for (Image image : images) {
            if (image.repo().equals(repo)) {
                tags.add(image.tag());
            }
        }
        return tags;
    }

    synchronized Set<String> repositories() {
        Set<String> repos = new TreeSet<>();
        images.forEach(image -> repos.add(image.repo()));
        return repos;
    }

    synchronized List<Image> all() {
        return List.copyOf(images);
    }
}
