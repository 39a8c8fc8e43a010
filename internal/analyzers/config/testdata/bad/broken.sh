#!/bin/sh
if then fi ((( 
