/** @biomon/rasters — raster datasets (GeoTIFF/COG in the file store, read with GDAL's command-line tools), area-true zonal statistics */
export {};
