/** @biomon/screening — project impact screening (footprints against protected areas, species, land cover, wetland) */
export {};
