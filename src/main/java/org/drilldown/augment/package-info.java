/** Stage 2, augmentation: random rotation of training images, replayable for a given (seed, epoch, image id). */
package org.drilldown.augment;
